# Developer commands; everything is done by scripts/lease.sh (`make help` lists the
# environment variables). Extra arguments go in ARGS, e.g.
#   make test ARGS="tests/test_overdue.py -k tier"
#   make bench ARGS="bench_cron.py --contracts 5000"
SHELL := /bin/bash
LEASE := bash scripts/lease.sh
ARGS ?=

.PHONY: help run test stop lint bench

help:
	@$(LEASE) help

run:
	@$(LEASE) run $(ARGS)

test:
	@$(LEASE) test $(ARGS)

lint:
	@$(LEASE) lint $(ARGS)

bench:
	@$(LEASE) bench $(ARGS)

stop:
	@$(LEASE) stop
