#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image; the zip's files are in
# /autograder/source (this folder). Written by ./transfer release autograder (Transfer Lab).
# It installs what grading needs and builds the kit now, so that no grading waits for Maven.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -q
# python3: Python hand-ins; util-linux: setpriv, unshare; iproute2: loopback in a network namespace;
# bubblewrap: the box each graded program runs in.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven python3 util-linux \
  iproute2 bubblewrap
chmod +x run_autograder kit/transfer
# The grading runs as an unprivileged user: the kit's libraries go where that user can read them.
export MAVEN_OPTS="-Dmaven.repo.local=/opt/transfer-lab/m2"
mkdir -p /opt/transfer-lab/m2
kit/transfer check-class --help >/dev/null # builds the kit (--help alone would not)
chmod -R a+rX /opt/transfer-lab .
