"""``manage.py verify_funds``: each risk fund's balance against the sum of its ledger. Exits 1 naming every fund
whose ledger does not sum to its balance."""

from django.core.management.base import BaseCommand, CommandError

from licensing.services.fund import funds_verify


class Command(BaseCommand):
    help = "Sum each risk fund's ledger of movements and compare it with the fund's balance."

    def handle(self, *args, **options) -> None:
        checks = funds_verify()
        for check in checks:
            mark = "ok" if check.balanced else "MISMATCH"
            self.stdout.write(
                f"{check.fund.region:8} {check.fund.name}: balance ¥{check.fund.balance:,.2f}, "
                f"ledger ¥{check.ledger_sum:,.2f}, {check.fund.movements.count()} movement(s) [{mark}]"
            )
        broken = [check for check in checks if not check.balanced]
        if broken:
            raise CommandError(
                f"{len(broken)} fund(s) whose ledger does not sum to the balance: "
                + ", ".join(
                    f"{check.fund.region} (balance ¥{check.fund.balance:,.2f}, ledger ¥{check.ledger_sum:,.2f}, "
                    f"difference ¥{check.fund.balance - check.ledger_sum:+,.2f})"
                    for check in broken
                )
            )
        self.stdout.write(self.style.SUCCESS(f"{len(checks)} fund(s) checked: every ledger sums to its balance."))
