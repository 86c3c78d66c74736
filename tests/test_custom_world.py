"""Tests for model.world.custom: loading a user's own corridor table.

The real World Bank 2017 Bilateral Migration Matrix lives outside the repository
(../shared/data); tests that need it are skipped with a reason when it is absent.
Broken inputs are written to tmp_path; the real files are never modified.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from model.world.custom import (
    AGGREGATE_NAMES,
    WB_NAME_ALIASES,
    WorldFileError,
    read_corridor_file,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
WB_MATRIX = SHARED_DATA / "wb_bilateral_migration_matrix_2017.xlsx"
WB_REMITTANCE_MATRIX = SHARED_DATA / "wb_bilateral_remittance_matrix_2017.xlsx"
PACKAGE_COUNTRIES = REPO / "model" / "world" / "data" / "countries.csv"

needs_shared = pytest.mark.skipif(
    not WB_MATRIX.exists(),
    reason=f"real World Bank matrix not available at {WB_MATRIX} (../shared/data is absent)",
)


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    """The package's countries table (the shared copy while the package's is being built)."""
    for candidate in (PACKAGE_COUNTRIES, SHARED_DATA / "countries.csv"):
        if candidate.exists():
            return pd.read_csv(candidate, keep_default_na=False, na_values=[""])
    pytest.skip("no countries table: neither model/world/data/countries.csv nor ../shared/data")


@pytest.fixture(scope="module")
def wb_2017(countries: pd.DataFrame) -> pd.DataFrame:
    if not WB_MATRIX.exists():
        pytest.skip(f"real World Bank matrix not available at {WB_MATRIX}")
    return read_corridor_file(WB_MATRIX, countries)


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, countries: pd.DataFrame) -> str:
    with pytest.raises(WorldFileError) as info:
        read_corridor_file(path, countries)
    message = str(info.value)
    assert str(path) in message, "the message must name the file"
    return message


# ----------------------------------------------------------------- real WB 2017 matrix


@needs_shared
def test_wb_matrix_mexico_usa(wb_2017: pd.DataFrame) -> None:
    mex_usa = wb_2017[(wb_2017["origin"] == "MEX") & (wb_2017["destination"] == "USA")]
    assert len(mex_usa) == 1
    assert mex_usa["stock"].iloc[0] == 11_573_680
    # The reverse direction is a separate, much smaller corridor.
    usa_mex = wb_2017[(wb_2017["origin"] == "USA") & (wb_2017["destination"] == "MEX")]
    assert 0 < usa_mex["stock"].iloc[0] < 2_000_000


@needs_shared
def test_wb_matrix_shape_and_totals(wb_2017: pd.DataFrame, countries: pd.DataFrame) -> None:
    assert list(wb_2017.columns) == ["origin", "destination", "stock"]
    known = set(countries["iso3"])
    assert set(wb_2017["origin"]) <= known
    assert set(wb_2017["destination"]) <= known
    # No aggregate label leaked through as a code or name.
    labels = set(wb_2017["origin"]) | set(wb_2017["destination"])
    assert not labels & AGGREGATE_NAMES
    assert not labels & {"Other North", "Other South", "World", "WLD"}
    # 214 origins and 212 destinations have at least one positive corridor in 2017.
    assert wb_2017["origin"].nunique() == 214
    assert wb_2017["destination"].nunique() == 212
    # Countries only (no Other North/South) and no diagonal: 252.6 M persons.
    total = wb_2017["stock"].sum()
    assert 250e6 < total < 260e6, total
    assert total == 252_635_657
    assert (wb_2017["stock"] > 0).all()
    assert not (wb_2017["origin"] == wb_2017["destination"]).any()
    assert not wb_2017.duplicated(["origin", "destination"]).any()


@needs_shared
def test_wb_matrix_renamed_countries_map_through_aliases(wb_2017: pd.DataFrame) -> None:
    # Each of these appears in the 2017 file only under an old name (e.g. "Swaziland").
    for code in ("SWZ", "MKD", "CZE", "CIV", "CUW", "STP", "PRK", "TUR", "VNM", "FRO", "PRI"):
        assert (wb_2017["origin"] == code).any() or (wb_2017["destination"] == code).any(), code
    assert wb_2017.loc[
        (wb_2017["origin"] == "SYR") & (wb_2017["destination"] == "TUR"), "stock"
    ].item() == 3_271_533


@needs_shared
def test_wb_matrix_broken_copy_names_bad_country(tmp_path: Path, countries: pd.DataFrame) -> None:
    workbook = openpyxl.load_workbook(WB_MATRIX)
    sheet = workbook.worksheets[0]
    # "Mexico" occurs twice (header across, origin down); rename the header one only.
    across = [c for c in sheet[2] if c.value == "Mexico"]
    assert len(across) == 1
    header_cell = across[0]
    header_cell.value = "Atlantis"
    down = [row[0] for row in sheet.iter_rows(min_row=3) if row[0].value == "Swaziland"]
    down[0].value = "Narnia"
    broken = tmp_path / "wb_broken.xlsx"
    workbook.save(broken)

    message = load_error(broken, countries)
    assert f"row 2, column {header_cell.column_letter}: unknown country name 'Atlantis'" in message
    assert f"row {down[0].row}, column A: unknown country name 'Narnia'" in message
    assert "2 problems" in message
    assert "World Bank spellings" in message


@needs_shared
def test_wb_matrix_broken_copy_negative_and_text_cells(tmp_path: Path, countries: pd.DataFrame) -> None:
    workbook = openpyxl.load_workbook(WB_MATRIX)
    sheet = workbook.worksheets[0]
    mex_col = next(c.column for c in sheet[2] if c.value == "Mexico")
    usa_row = next(r[0].row for r in sheet.iter_rows(min_row=3) if r[0].value == "United States")
    ind_row = next(r[0].row for r in sheet.iter_rows(min_row=3) if r[0].value == "India")
    sheet.cell(usa_row, mex_col).value = -5
    sheet.cell(ind_row, mex_col).value = "n/a"
    broken = tmp_path / "wb_values.xlsx"
    workbook.save(broken)

    message = load_error(broken, countries)
    letter = openpyxl.utils.get_column_letter(mex_col)
    assert f"row {usa_row}, column {letter} (destination 'Mexico'): negative value -5" in message
    assert f"row {ind_row}, column {letter} (destination 'Mexico'): non-numeric value 'n/a'" in message


@needs_shared
def test_wb_matrix_without_helper_sheet_and_as_csv(tmp_path: Path, countries: pd.DataFrame,
                                                    wb_2017: pd.DataFrame) -> None:
    # The same matrix exported to CSV (as a user might do) loads to the same corridors.
    raw = pd.read_excel(WB_MATRIX, sheet_name=0, header=None)
    as_csv = tmp_path / "wb_matrix.csv"
    raw.to_csv(as_csv, header=False, index=False)
    from_csv = read_corridor_file(as_csv, countries)
    pd.testing.assert_frame_equal(from_csv, wb_2017)


@pytest.mark.skipif(not WB_REMITTANCE_MATRIX.exists(), reason="remittance matrix not in ../shared/data")
def test_remittance_matrix_is_refused(countries: pd.DataFrame) -> None:
    message = load_error(WB_REMITTANCE_MATRIX, countries)
    assert "remittance matrix" in message


# ----------------------------------------------------------------- documented long format

GOOD_CSV = """\
 Origin ,DESTINATION,stock,High_Skill_Share,remittance_price_pct,distance_km,comment
MEX,USA,11573680,0.1,5.5,3369.1,largest corridor
phl,SAU,"1,020,000",0.4,,7600,lower-case code and thousands separators
IND,ARE,3310419,,3.2,,

NPL,QAT,0,0.05,100,3900,zero stock is kept
"""


def test_documented_csv_exact_values(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "corridors.csv", GOOD_CSV)
    df = read_corridor_file(path, countries)
    assert list(df.columns) == [
        "origin", "destination", "stock", "high_skill_share", "remittance_price_pct", "distance_km",
    ]
    assert df["origin"].tolist() == ["MEX", "PHL", "IND", "NPL"]
    assert df["destination"].tolist() == ["USA", "SAU", "ARE", "QAT"]
    assert df["stock"].tolist() == [11_573_680.0, 1_020_000.0, 3_310_419.0, 0.0]
    assert df["high_skill_share"].iloc[0] == 0.1
    assert math.isnan(df["high_skill_share"].iloc[2])
    assert math.isnan(df["remittance_price_pct"].iloc[1])
    assert df["remittance_price_pct"].tolist()[3] == 100.0
    assert df["distance_km"].iloc[0] == 3369.1
    assert math.isnan(df["distance_km"].iloc[2])
    assert df.index.tolist() == [0, 1, 2, 3]


def test_documented_csv_required_columns_only_semicolon(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "semi.csv", "destination;origin;stock\nDEU;TUR;1500000\nESP;MAR;700000\n")
    df = read_corridor_file(path, countries)
    assert list(df.columns) == ["origin", "destination", "stock"]
    assert df.to_dict("list") == {
        "origin": ["TUR", "MAR"], "destination": ["DEU", "ESP"], "stock": [1_500_000.0, 700_000.0],
    }


def test_documented_xlsx_long_format(tmp_path: Path, countries: pd.DataFrame) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "corridors"
    sheet.append(["stock", "origin", "destination", "distance_km", "notes"])
    sheet.append([11573680, "MEX", "USA", 3369.1, "numbers stored as numbers"])
    sheet.append(["250000", "SLV", "USA", None, "a number typed as text"])
    sheet.append([None, None, None, None, None])
    sheet.append([42000.5, "PHL", "JPN", 3000, None])
    # A second sheet is ignored, like the World Bank file's helper sheet.
    workbook.create_sheet("scratch").append(["origin", "destination", "stock"])
    path = tmp_path / "corridors.xlsx"
    workbook.save(path)

    df = read_corridor_file(path, countries)
    assert list(df.columns) == ["origin", "destination", "stock", "distance_km"]
    assert df["origin"].tolist() == ["MEX", "SLV", "PHL"]
    assert df["destination"].tolist() == ["USA", "USA", "JPN"]
    assert df["stock"].tolist() == [11_573_680.0, 250_000.0, 42_000.5]
    assert df["distance_km"].iloc[0] == 3369.1
    assert math.isnan(df["distance_km"].iloc[1])


def test_xlsx_long_format_error_row_numbers(tmp_path: Path, countries: pd.DataFrame) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["origin", "destination", "stock"])
    sheet.append(["MEX", "USA", 1])
    sheet.append(["MEX", "XYZ", 2])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    message = load_error(path, countries)
    assert "row 3, column 'destination' (B): unknown country code 'XYZ'" in message


# ----------------------------------------------------------------- broken long tables


def test_missing_column(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "no_stock.csv", "origin,destination,people\nMEX,USA,5\n")
    message = load_error(path, countries)
    assert "missing required column(s) 'stock'" in message
    assert "(row 1)" in message and "'people'" in message
    assert "Required columns: origin, destination, stock" in message


def test_unknown_country_code(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "codes.csv", "origin,destination,stock\nMEX,USA,5\nMX,USA,6\n")
    message = load_error(path, countries)
    assert "row 3, column 'origin' (A): unknown country code 'MX'" in message
    assert "ISO 3166 alpha-3" in message and "countries.csv" in message


def test_negative_stock(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "neg.csv", "origin,destination,stock\nMEX,USA,5\nIND,ARE,6\nPHL,SAU,-7\n")
    message = load_error(path, countries)
    assert "row 4, column 'stock' (C): negative stock '-7'" in message
    assert "zero or more" in message


def test_non_numeric_stock(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "text.csv", "origin,destination,stock\nMEX,USA,about 5 million\n")
    message = load_error(path, countries)
    assert "row 2, column 'stock' (C): non-numeric stock 'about 5 million'" in message


def test_optional_columns_out_of_range(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(
        tmp_path / "ranges.csv",
        "origin,destination,stock,high_skill_share,remittance_price_pct,distance_km\n"
        "MEX,USA,5,1.5,5,100\n"
        "IND,ARE,5,0.5,120,100\n"
        "PHL,SAU,5,0.5,5,0\n",
    )
    message = load_error(path, countries)
    assert "3 problems" in message
    assert "row 2, column 'high_skill_share' (D): value '1.5' is out of range" in message
    assert "row 3, column 'remittance_price_pct' (E): value '120' is out of range" in message
    assert "row 4, column 'distance_km' (F): value '0' is out of range" in message
    assert "from 0 to 1" in message and "from 0 to 100" in message and "greater than 0" in message


def test_duplicate_corridor(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "dup.csv", "origin,destination,stock\nMEX,USA,5\nIND,ARE,1\nmex,USA,6\n")
    message = load_error(path, countries)
    assert "row 4" in message and "duplicate corridor MEX -> USA (first given in row 2)" in message


def test_many_bad_rows_are_counted(tmp_path: Path, countries: pd.DataFrame) -> None:
    origins = ["MEX", "GTM", "SLV", "HND"]
    body = "".join(f"{o},USA,-1\nIND,AR{i},1\n" for i, o in enumerate(origins))
    path = write_csv(tmp_path / "many.csv", "origin,destination,stock\n" + body)
    message = load_error(path, countries)
    # Rows 2-9 alternate: four negative stocks, four unknown codes AR0..AR3.
    assert "8 problems (first 5 shown)" in message
    assert "row 2, column 'stock' (C): negative stock '-1'" in message
    assert "row 6, column 'stock' (C)" in message and "row 7" not in message
    assert "... and 3 more (8 in all)" in message
    assert message.count("  - row ") == 5


def test_empty_table_and_empty_file(tmp_path: Path, countries: pd.DataFrame) -> None:
    header_only = write_csv(tmp_path / "header.csv", "origin,destination,stock\n\n")
    assert "the table is empty" in load_error(header_only, countries)
    nothing = write_csv(tmp_path / "nothing.csv", "")
    assert "the file is empty" in load_error(nothing, countries)


def test_file_not_found(tmp_path: Path, countries: pd.DataFrame) -> None:
    message = load_error(tmp_path / "nope.csv", countries)
    assert "not found" in message


def test_unknown_and_unreadable_formats(tmp_path: Path, countries: pd.DataFrame) -> None:
    json_file = write_csv(tmp_path / "corridors.json", '{"origin": "MEX"}')
    message = load_error(json_file, countries)
    assert "unknown file format '.json'" in message and ".csv" in message and ".xlsx" in message

    fake_xlsx = write_csv(tmp_path / "fake.xlsx", "origin,destination,stock\n")
    assert "not a valid .xlsx workbook" in load_error(fake_xlsx, countries)

    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "cannot be read as an .xlsx workbook" in load_error(truncated, countries)

    binary_csv = tmp_path / "binary.csv"
    binary_csv.write_bytes(b"origin\x00destination")
    assert "binary file" in load_error(binary_csv, countries)


def test_countries_table_must_have_iso3_and_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", "origin,destination,stock\nMEX,USA,5\n")
    with pytest.raises(ValueError, match="iso3 and name"):
        read_corridor_file(path, pd.DataFrame({"code": ["MEX", "USA"]}))
    # A minimal table is enough: the loader does not read the package file itself.
    small = pd.DataFrame({"iso3": ["MEX", "USA"], "name": ["Mexico", "United States"]})
    assert read_corridor_file(path, small)["stock"].tolist() == [5.0]


def test_alias_targets_are_known_codes(countries: pd.DataFrame) -> None:
    # An alias pointing at a code missing from the table would be silently unusable.
    assert set(WB_NAME_ALIASES.values()) <= set(countries["iso3"])


# ----------------------------------------------------------------- silent coercions refused

LONG_HEADER = "origin,destination,stock,remittance_price_pct\n"


def test_a_decimal_comma_splitting_a_row_is_refused_naming_row_and_cause(
        tmp_path: Path, countries: pd.DataFrame) -> None:
    # Read as written, 0,25 became price 0 and the 25 was dropped.
    path = write_csv(tmp_path / "comma.csv", LONG_HEADER + "IND,ARE,3400000,3.5\nMEX,USA,10900000,0,25\n")
    message = load_error(path, countries)
    assert "\n" not in message
    assert ("row 3, column E (no name in the header): 5 comma-separated cells ('MEX', 'USA', "
            "'10900000', '0', '25') where the header (row 1) has 4 (origin, destination, "
            "stock, remittance_price_pct): likely a decimal comma (0,25 for 0.25)") in message
    assert "Allowed: every row has as many cells as the header" in message
    assert "decimal point" in message


def test_a_row_with_a_cell_missing_is_refused_and_trailing_empty_cells_are_not(
        tmp_path: Path, countries: pd.DataFrame) -> None:
    short = write_csv(tmp_path / "short.csv", LONG_HEADER + "MEX,USA,10900000,4.5\nIND,ARE,3400000\n")
    message = load_error(short, countries)
    assert ("row 3, column D: 3 comma-separated cells ('IND', 'ARE', '3400000') where the "
            "header (row 1) has 4") in message and "a cell is missing" in message
    # Empty cells kept as separators (and extra empty ones, as some exports write) are blanks.
    ok = write_csv(tmp_path / "ok.csv", LONG_HEADER + "MEX,USA,10900000,4.5\nIND,ARE,3400000,,\n")
    df = read_corridor_file(ok, countries)
    assert df["stock"].tolist() == [10_900_000.0, 3_400_000.0]
    assert df["remittance_price_pct"].iloc[0] == 4.5 and math.isnan(df["remittance_price_pct"].iloc[1])


def test_a_tab_separated_row_with_an_extra_cell_is_refused(tmp_path: Path, countries: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "tabs.tsv", "origin\tdestination\tstock\nMEX\tUSA\t10900000\tnote\n")
    message = load_error(path, countries)
    assert "row 2, column D (no name in the header): 4 tab-separated cells" in message
    assert "a tab inside a cell" in message


def test_numbers_with_thousands_separators_are_read_and_decimal_commas_are_not(
        tmp_path: Path, countries: pd.DataFrame) -> None:
    good = write_csv(tmp_path / "thousands.csv",
                     'origin,destination,stock\nMEX,USA,"11,573,680"\nIND,ARE,3 400 000\n'
                     "PHL,SAU,1\u00a0200\u00a0000\n")
    assert read_corridor_file(good, countries)["stock"].tolist() == [11_573_680.0, 3_400_000.0,
                                                                     1_200_000.0]
    bad = write_csv(tmp_path / "commas.csv",
                    "origin,destination,stock,high_skill_share,distance_km\n"
                    'MEX,USA,5,"0,25",100\n'       # a decimal comma, quoted: one cell
                    'IND,ARE,"1 5",0.2,100\n'      # a space that is no thousands separator
                    'PHL,SAU,5,"1,250",100\n'      # read as 1250: out of range, and said so
                    'NPL,QAT,5,"0,250",100\n')     # no thousands group starts with 0
    message = load_error(bad, countries)
    assert "4 problems" in message
    assert ("row 2, column 'high_skill_share' (D): value '0,25' has a decimal comma; write a "
            "decimal point (0.25)") in message
    assert "row 3, column 'stock' (C): non-numeric stock '1 5'" in message
    assert ("row 4, column 'high_skill_share' (D): value '1,250' (read as 1250: a comma or "
            "space between groups of three digits is a thousands separator) is out of range"
            ) in message
    assert "row 5, column 'high_skill_share' (D): value '0,250' has a decimal comma" in message


# ----------------------------------------------------------------- text encodings

UTF_TEXT = "origin,destination,stock,distance_km\nCIV,FRA,100000,4800.5\nMEX,USA,11573680,\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
])
def test_unicode_text_with_a_byte_order_mark_is_read_like_utf8(
        tmp_path: Path, countries: pd.DataFrame, encoding: str, bom: bytes) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(bom + UTF_TEXT.encode(encoding))
    df = read_corridor_file(path, countries)
    assert list(df.columns) == ["origin", "destination", "stock", "distance_km"]
    assert df["origin"].tolist() == ["CIV", "MEX"]
    assert df["stock"].tolist() == [100_000.0, 11_573_680.0]
    assert df["distance_km"].iloc[0] == 4800.5 and math.isnan(df["distance_km"].iloc[1])


def test_excels_unicode_text_is_read(tmp_path: Path, countries: pd.DataFrame) -> None:
    # Excel's "Unicode Text (*.txt)": UTF-16 LE with a mark, tab-separated, CRLF line ends.
    path = tmp_path / "unicode.txt"
    path.write_bytes("origin\tdestination\tstock\r\nSLV\tUSA\t1400000\r\n".encode("utf-16"))
    assert read_corridor_file(path, countries).to_dict("list") == {
        "origin": ["SLV"], "destination": ["USA"], "stock": [1_400_000.0]}


def test_utf16_without_a_mark_or_cut_short_is_refused_with_what_to_do(
        tmp_path: Path, countries: pd.DataFrame) -> None:
    no_mark = tmp_path / "no_mark.csv"
    no_mark.write_bytes(UTF_TEXT.encode("utf-16-le"))
    message = load_error(no_mark, countries)
    assert "\n" not in message
    assert "looks like UTF-16 text saved without a byte-order mark" in message
    assert "save it as UTF-8 (\"CSV UTF-8\" in Excel's Save As)" in message
    assert "binary" not in message
    cut = tmp_path / "cut.csv"
    cut.write_bytes(UTF_TEXT.encode("utf-16")[:-1])  # an odd number of bytes
    message = load_error(cut, countries)
    assert "starts as UTF-16 text (byte-order mark) but is not valid UTF-16 at byte" in message
    assert "save it as UTF-8" in message


def test_a_matrix_row_split_by_a_decimal_comma_is_refused(tmp_path: Path, countries: pd.DataFrame) -> None:
    names = ["Mexico", "United States", "India", "Philippines", "Germany"]
    text = "," + ",".join(names) + "\n"
    text += "Mexico,0,11573680,10,20,30\n"
    text += "India,5,2400000,0,40,50,5\n"  # a '50,5' split in two: one cell too many
    path = write_csv(tmp_path / "matrix.csv", text)
    message = load_error(path, countries)
    assert "row 3, column G: value '5' after the header's last column (F)" in message
    assert "decimal comma" in message


@pytest.mark.slow
def test_the_command_line_refuses_a_decimal_comma_row_in_one_line_and_reads_utf16(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = write_csv(tmp_path / "comma.csv", LONG_HEADER + "MEX,USA,10900000,0,25\nIND,ARE,3400000,3.5\n")
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, str(REPO / "run.py"), f"hydra.run.dir={out}",
                           "world=custom", f"world.path={bad}", "validate=true"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: Cannot use corridor file '{bad}': row 2, "
                                                   "column E"), proc.stderr[-1500:]
    assert not out.exists()
    good = tmp_path / "utf16.csv"
    good.write_bytes((LONG_HEADER + "MEX,USA,10900000,4.5\nIND,ARE,3400000,3.5\n").encode("utf-16"))
    proc = subprocess.run([sys.executable, str(REPO / "run.py"), f"hydra.run.dir={out}",
                           "world=custom", f"world.path={good}", "validate=true"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "4 countries, 2 corridors, 14,300,000 people abroad" in proc.stdout


def test_a_price_formatted_as_a_percentage_in_excel_is_refused(
        tmp_path: Path, countries: pd.DataFrame) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["origin", "destination", "stock", "high_skill_share", "remittance_price_pct"])
    sheet.append(["MEX", "USA", 100, 0.25, 0.07])
    sheet["D2"].number_format = "0%"  # a share shown as 25%: stored as 0.25, which is right
    sheet["E2"].number_format = "0%"  # a price shown as 7%: stored as 0.07, which is not
    sheet.append(["IND", "ARE", 5, 0.5, 3.5])
    path = tmp_path / "percent.xlsx"
    workbook.save(path)
    message = load_error(path, countries)
    assert "1 problem" not in message and "\n" not in message
    assert ("row 2, column 'remittance_price_pct' (E): the cell is formatted as a percentage "
            "(7% is stored as 0.07, a price of 0.07 percent here)") in message
    assert "type the percent as a plain number (7 for 7%)" in message
    sheet["E2"].number_format = "General"
    sheet["E2"].value = 7
    workbook.save(path)
    df = read_corridor_file(path, countries)
    assert df["high_skill_share"].tolist() == [0.25, 0.5]
    assert df["remittance_price_pct"].tolist() == [7.0, 3.5]
