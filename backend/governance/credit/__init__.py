"""Credit penalties (失信惩戒) against property companies and their managers, and the credit
score (企业信用) they add up to."""
