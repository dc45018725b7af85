"""The command groups of the ``partnermap`` command line, one module per group.

:mod:`api.commands.common` holds the Typer ``app`` and the helpers every group
shares; :mod:`api.cli` registers each group's commands on it, in the order
``--help`` lists them.
"""
