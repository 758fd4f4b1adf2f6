# A crawl's worker processes (crawlers.offload, the writer) import this module again, as their
# parent's main module: the command line is imported only when this runs as the program.
if __name__ == "__main__":
    from gkwatch.cli import main

    main()
