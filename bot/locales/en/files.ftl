## The file store: evidence photos, PDFs and exports

file-too-large = The file is larger than the { $limit } limit and was not stored. Please compress it and send it again.
file-missing = That file cannot be found (it may have been removed, or the address is wrong).
