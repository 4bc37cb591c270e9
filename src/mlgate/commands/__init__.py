"""One module per ``mlgate`` sub-command; see :mod:`mlgate.cli` for the contract."""
