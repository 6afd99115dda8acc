"""The directories of the rules (Art. 7-10): USCC checks, reading officials' CSV/XLSX files,
row validation, all-or-nothing import with its audit trail, and export in the same format.

Modules: ``uscc`` (GB 32100-2015), ``enums`` (enumerations as data), ``columns`` (header
aliases), ``readers`` (CSV/GB18030/XLSX), ``validation`` (row rules), ``pipeline`` (the
streaming pass), ``importer``, ``exporter``, ``bulk`` (executemany/COPY), ``catalogue``
(departments, the yearly catalogue's lock).
"""
