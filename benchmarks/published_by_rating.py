"""The published pattern: agency and vacancy rates of councils by their latest Ofsted rating.

Each council's 30 September figures (DfE children's social work workforce, 2022-2025) are
joined to its latest ILACS overall judgement before that date (Ofsted), and the agency and
vacancy rates are averaged over council-year rows, unweighted, within each rating; see
:func:`staffsim.data.published_rates_by_rating` for the method. Prints the means (percent),
their standard errors and the number of council-years, and the same table with the joint
North and West Northamptonshire return included, to show what that choice moves.

Run: ``python benchmarks/published_by_rating.py``.
"""

from __future__ import annotations

import sys

import pandas as pd

from staffsim.data import published_rates_by_rating

YEARS = range(2022, 2026)


def format_table(table: pd.DataFrame) -> str:
    """The by-rating table as text: mean (SE) and n for each rate."""
    lines = [
        f"{'rating':<22}{'agency rate %':>16}{'n':>5}{'vacancy rate %':>18}{'n':>5}",
    ]
    for rating, row in table.iterrows():
        lines.append(
            f"{rating:<22}"
            f"{row.agency_rate_fte_mean:>8.1f} ({row.agency_rate_fte_se:4.2f})"
            f"{int(row.agency_rate_fte_n):>6}"
            f"{row.vacancy_rate_fte_mean:>10.1f} ({row.vacancy_rate_fte_se:4.2f})"
            f"{int(row.vacancy_rate_fte_n):>6}"
        )
    return "\n".join(lines)


def main() -> int:
    """Print the published table (and the variant with Northamptonshire's joint return)."""
    print(
        f"Councils by latest Ofsted judgement before 30 September, {YEARS.start}-{YEARS.stop - 1}"
    )
    print("mean over council-year rows, unweighted (standard error); n = council-years\n")
    print(format_table(published_rates_by_rating(YEARS)))
    print("\nwith the joint North and West Northamptonshire return rated by its councils:")
    print(format_table(published_rates_by_rating(YEARS, northamptonshire_joint_return=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
