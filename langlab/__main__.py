from langlab.cli import main

main()
