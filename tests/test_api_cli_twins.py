"""An API function and its command-line twin take the same things (msgs27).

``logistics compare --set NAME=VALUE`` refused the norms figures (``norms/<file>:<key>``) that
``logistics.run(overrides=)`` took; ``logistics.compare`` had no ``overrides=`` at all; and
``load_terrain`` took any positive cell size while ``--resolution-m`` and ``logistics.run``
take ``terrain.grid.RESOLUTION_RANGE_M``. One check serves both doors now; these tests hold
them to it.
"""

from __future__ import annotations

import pytest

import logistics
from logistics.errors import ConfigError


@pytest.mark.parametrize("resolution_m", [0.5, 200_000])
def test_load_terrain_takes_the_cell_sizes_the_command_line_takes(resolution_m):
    """``load_terrain`` took any positive size (0.5 m asked for a grid of billions of cells;
    200 km gave one of a few), while ``--resolution-m`` and ``logistics.run`` refuse both."""
    with pytest.raises(ConfigError) as err:
        logistics.load_terrain((119.5, 46.5, 121.5, 47.5), resolution_m=resolution_m)
    msg = str(err.value)
    assert f"resolution_m={resolution_m:g} is outside 1..100000 m" in msg and "fix:" in msg
