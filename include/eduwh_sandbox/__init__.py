"""The sandbox: stand-ins of the four source systems and the generators of the built-in
data sets, an independent reading of the contracts (it shares no parsing with the
clients). Production code never imports this package: `eduwh.stand_ins` finds it through
the entry point `eduwh.stand_ins` (pyproject.toml), and a deployment without it (the
compose image) runs on the real systems only.
"""
