#!/bin/sh
# Stands for your publishing step.
echo "publish.sh: published app from $(pwd)"
