"""The application shell: the main window, its menus and status strip, the first-start
and backup dialogs, and the list of screens it shows. It sits on top: it imports the
screens (``views``) and the widget kit (``ui``); nothing below imports it.
"""
