#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berakhlak.settings")
    # A shell on a developer's machine runs in debug mode unless told otherwise; gunicorn (wsgi.py)
    # and the Celery processes get no such default, and production sets DEBUG=0 explicitly.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
