"""The report's templates (shipped inside the installed package as ``physcheck.templates``).

A regular package (not a namespace one) so that importlib.resources finds it in editable
installs too, where the folder lives outside physcheck/.
"""
