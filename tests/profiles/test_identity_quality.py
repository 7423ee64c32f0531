"""The precision/recall evaluator, on hand-made profiles whose pair counts are worked out by hand."""

from pathlib import Path

import duckdb

from assets.profiles.identity_quality import measure_identity_quality


def test_pairs_are_counted_per_person_and_per_profile(tmp_path: Path) -> None:
    truth = tmp_path / "identities.csv"
    truth.write_text(
        "person_id,id_type,id_value\n"
        "p1,anonymous_id,a1\np1,user_id,u1\np1,crm_id,c1\n"  # person 1: three records
        "p2,anonymous_id,a2\np2,user_id,u2\n"                 # person 2: two records
        "p2,email,shared@example.com\n"                       # emails are not evaluated
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.profile_identities (profile_id varchar, identifier_type varchar,"
                " identifier_value varchar)")
    con.execute("create table marts.orders (profile_id varchar, source varchar, order_id varchar)")
    # Resolution: a1 and u1 together, c1 alone (missed link), a2 and u2 wrongly merged into person 1's profile.
    con.execute("insert into marts.profile_identities values ('A', 'anonymous_id', 'a1'), ('A', 'user_id', 'u1'),"
                " ('B', 'crm_id', 'c1'), ('A', 'anonymous_id', 'a2'), ('C', 'user_id', 'u2')")
    result = measure_identity_quality(con, truth)
    # True pairs: 3 (p1) + 1 (p2) = 4. Predicted: A holds a1, u1, a2 -> 3. Correct: (a1, u1) only -> 1.
    assert (result["true_pairs"], result["predicted_pairs"], result["correct_pairs"]) == (4, 3, 1)
    assert result["precision"] == 1 / 3 and result["recall"] == 1 / 4


def test_a_key_identifier_listed_under_two_persons_is_left_out_of_the_pairs(tmp_path: Path) -> None:
    truth = tmp_path / "identities.csv"
    truth.write_text(
        "person_id,id_type,id_value\n"
        "p1,anonymous_id,a1\np1,user_id,u1\np1,anonymous_id,tablet\n"  # a family tablet both used
        "p2,anonymous_id,a2\np2,user_id,u2\np2,anonymous_id,tablet\n"
        "p2,phone,+15550100\np3,phone,+15550100\n"                     # phones are not evaluated anyway
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.profile_identities (profile_id varchar, identifier_type varchar,"
                " identifier_value varchar)")
    con.execute("create table marts.orders (profile_id varchar, source varchar, order_id varchar)")
    # The resolver put the tablet with person 1; person 2's a2 and u2 are together, apart.
    con.execute("insert into marts.profile_identities values ('A', 'anonymous_id', 'a1'), ('A', 'user_id', 'u1'),"
                " ('A', 'anonymous_id', 'tablet'), ('B', 'anonymous_id', 'a2'), ('B', 'user_id', 'u2')")
    result = measure_identity_quality(con, truth)
    # Without the tablet: true pairs (a1, u1) and (a2, u2); predicted the same two; all correct. Counted in,
    # the tablet would add (a1, tablet), (u1, tablet) as predicted pairs, true for p1, and miss two of p2.
    assert (result["true_pairs"], result["predicted_pairs"], result["correct_pairs"]) == (2, 2, 2)
    assert (result["precision"], result["recall"], result["records"]) == (1.0, 1.0, 4)
    assert result["shared_records"] == 1
