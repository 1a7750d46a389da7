import io

from django.core.management.base import OutputWrapper

from techmarket.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_fills_in_place_on_a_terminal_and_redraws_only_when_it_moves():
    screen = Terminal()
    bar = ProgressBar(OutputWrapper(screen), "导入", total=1000)

    for done in range(1, 1001):
        bar.update(done)
    drawn = screen.getvalue().split("\r")[1:]
    bar.clear()

    assert len(drawn) == 101  # 0% to 100%, not a thousand redraws
    assert drawn[50] == "导入 [###############---------------]  50%  500/1,000"
    assert drawn[-1] == "导入 [##############################] 100%  1,000/1,000"
    assert screen.getvalue().endswith("\r\033[K")


def test_the_total_may_arrive_with_the_first_update():
    screen = Terminal()
    bar = ProgressBar(OutputWrapper(screen), "Importing")

    bar.update(1, 4)

    assert screen.getvalue() == "\rImporting [#######-----------------------]  25%  1/4"


def test_nothing_is_written_off_a_terminal():
    log = io.StringIO()
    bar = ProgressBar(OutputWrapper(log), "Importing", total=10)

    for done in range(11):
        bar.update(done)
    bar.clear()

    assert log.getvalue() == ""
