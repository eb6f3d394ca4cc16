"""The problem list (十件实事问题清单) and the quarterly inspections (动态督查) it comes from."""
