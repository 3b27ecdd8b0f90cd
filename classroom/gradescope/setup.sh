#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (choose the Ubuntu 24.04 base image: the course needs Python 3.11 or newer).
# The course is in /autograder/source, as `python grader gradescope-zip` packed it.
# AWAITLINGS_AUTOGRADER moves /autograder elsewhere (the project's tests do).
set -euo pipefail

autograder=${AWAITLINGS_AUTOGRADER:-/autograder}
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv git
python3 -m venv "$autograder/venv"
"$autograder/venv/bin/python" -m pip install -q -e "$autograder/source"
