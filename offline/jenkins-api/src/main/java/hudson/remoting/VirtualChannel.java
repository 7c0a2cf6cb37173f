// Facade (compile only) of hudson.remoting.VirtualChannel, org.jenkins-ci.main:remoting 3355.v388858a_47b_33. Type only.
package hudson.remoting;

public interface VirtualChannel {
}
