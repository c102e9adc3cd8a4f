from physcheck.cli import run

run()
