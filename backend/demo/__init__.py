"""The demo county loaded by `make run` on first start (``county.seed``), one module per
domain it fills: ledger periods, tickets, votes, credit penalties and problems, the register,
joint meetings, star ratings, the first estate's public record and its maintenance fund."""
