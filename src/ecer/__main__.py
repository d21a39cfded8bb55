from ecer.cli.main import main

main()
