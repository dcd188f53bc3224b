"""The toolkit's core: errors, paths, session state, text, files, figure layout, tables."""
