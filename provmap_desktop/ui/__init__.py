"""The application shell: main window, navigation, actions, shared dialogs."""
