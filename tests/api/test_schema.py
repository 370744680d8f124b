"""The OpenAPI schema is generated without a warning, so it says what every operation does."""

from django.core.management import call_command


def test_it_generates_and_validates_the_schema_without_a_warning(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    schema = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/municipalities/{code}/tasks/",
        "/api/v1/municipalities/{code}/cpr-search/",
        "/api/v1/vaccinators/{code}/route-lists/{id}/stops/{stop_pk}/outcome/",
        "/api/v1/regions/{code}/stock/movements/",
        "/api/v1/immunizations/{id}/",
        "/api/v1/ssi-lists/",
    ):
        assert f"{path}:" in schema
