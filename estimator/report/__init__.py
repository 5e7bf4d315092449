"""Presentation only: words and numbers as users read them, chart style, charts, tables, the
brief, the workbook and atomic files. Reads results; computes no model number of its own."""
