"""A coordinate pair beginning with a minus sign is a place, not an option.

argparse reads ``-46.62,121.24`` as an unknown option (its negative-number rule takes only a
single number), so ``logistics sample "-46.62,121.24"`` said "the following arguments are
required" and ``route --from -46.62,121.24`` "expected one argument". The coordinates below lie
outside the theatre on purpose: the command must get as far as reading them as a place and
say so (no rasters are loaded).
"""

from __future__ import annotations

import pytest

from logistics.cli import build_parser, main


@pytest.mark.parametrize("text", ["-46.62,121.24", "46.62,-121.24", "-46.62,-121.24",
                                  "-46,121", "-.5,121.2"])
def test_sample_reads_a_negative_pair_as_its_place(text):
    assert build_parser().parse_args(["sample", text]).place == [text]
    assert build_parser().parse_args(["sample", "--json", text]).place == [text]
    assert build_parser().parse_args(["sample", text, "--season", "wet"]).place == [text]


def test_route_reads_negative_pairs_after_from_to_and_via():
    args = build_parser().parse_args(["route", "--from", "-46.62,121.24", "--to", "45,-120",
                                      "--via", "-44,120", "-43.5,-119", "--vehicle", "zis-5"])
    assert (args.origin, args.destination) == ("-46.62,121.24", "45,-120")
    assert args.via == ["-44,120", "-43.5,-119"]


def test_a_single_negative_number_and_unknown_options_are_still_refused(capsys):
    assert main(["sample", "Solun", "-x"]) == 2
    assert "unrecognized arguments: -x" in capsys.readouterr().err
    assert main(["map", "--dpi", "-5"]) == 2  # a bad value, not a place


def test_sample_says_a_southern_latitude_is_outside_the_theatre(capsys):
    assert main(["sample", "-46.62,121.24"]) == 2
    err = capsys.readouterr().err
    assert "outside the theatre" in err and "required" not in err
    assert "46.6200 S, 121.2400 E lies outside" in err and "-46.62" not in err  # no "-46.62 N"
    assert main(["sample", "--", "-46.62,121.24"]) == 2  # the documented `--` works too
    assert "outside the theatre" in capsys.readouterr().err


def test_route_says_a_negative_start_is_outside_the_theatre(capsys):
    assert main(["route", "--from", "-46.62,121.24", "--to", "Harbin",
                 "--vehicle", "zis-5"]) == 2
    err = capsys.readouterr().err
    assert "outside the theatre" in err and "expected one argument" not in err


def test_help_says_latitude_comes_first():
    sample = build_parser()._subparsers._group_actions[0].choices["sample"].format_help()
    route = build_parser()._subparsers._group_actions[0].choices["route"].format_help()
    for text in (sample, route):
        flat = " ".join(text.split())
        assert "LAT,LON" in flat and "latitude first" in flat
        assert "-46.62,121.24" in flat  # a negative example, as it is typed
