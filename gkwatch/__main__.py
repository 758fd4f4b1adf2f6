from .cli import main

if __name__ == "__main__":  # a worker process (crawlers.offload) imports this module again
    main()
