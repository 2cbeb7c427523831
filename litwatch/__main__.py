"""`python -m litwatch`: the same entry point as the `litwatch` command."""

from litwatch.cli import main

if __name__ == "__main__":
    main()
