"""The `oneseal` command: Django's manage.py plus the project's own verbs.

`oneseal demo load`, `oneseal demo serve`, `oneseal calendar import …` are management
commands of the project's apps; everything Django offers (`migrate`, `createsuperuser`, …)
works as with manage.py.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
