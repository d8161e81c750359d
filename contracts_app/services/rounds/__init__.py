"""The buying round (DESIGN "The buying round", §2.6 "SLA setting period"), one job a module:

- ``opening``: the round for a year on its published list, an offer per school, pre-filled;
- ``pricing``: a basket priced on next year's list, explained, with its §2.7 invoice schedule;
- ``basket``: the school preparing its basket (lines, quantities, PO number, contacts);
- ``acceptance``: a signatory accepting (the stored PDF, next year's agreement) or declining;
- ``closing``: the close applying the round's default, reminders, the SLA team's approval;
- ``documents``: the draft preview and the accepted PDF; ``mail``: the outbox messages;
- ``queries``: the round page's figures and lists, and which offers a user may see;
- ``jobs``: the close as a background job (kind ``round_close``).
"""
