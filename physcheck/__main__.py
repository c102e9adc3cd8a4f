from physcheck.cli import main

main()
