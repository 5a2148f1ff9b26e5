# The two commands for a fresh machine (see README.md).
.PHONY: run test setup

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh
