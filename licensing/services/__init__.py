"""Writes of licensing, one module per part: declarations, open licences, pay-later agreements, reports, the fund."""
