"""Offers, open licences, pay-later agreements, negotiated deals, payments and the risk fund."""
