"""Importing indicator values from a spreadsheet: all or nothing, every problem in its row
and column, through the same reading machinery as the projects' import."""

from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.core.models import AuditEntry
from ascn.indicators.models import IndicatorValue
from tests.conftest import page_text
from tests.roles import CSO_PHUKET, NR_TH, assert_matrix, everyone, sign_in_redirect

pytest_plugins = ["tests.roles"]

HEADER = "city,indicator,year,value,source,method_note,visibility\n"
GOOD = (
    "phuket,11.6.2,2023,21.5,PCD 2023,,public\n"
    "phuket,11.6.1,2023,88,Municipality 2023,Weighbridge records,\n"
    'phuket,EC: ICT: ICT: 1C,2022,"79.4",NSO survey 2022,,network\n'
)


def _upload(client, text: str, name="values.csv"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post("/indicator-values/import/", {"file": upload})


def test_only_a_citys_officers_import(roles, catalogue):
    assert_matrix(
        roles.session,
        "GET",
        "/indicator-values/import/",
        everyone(
            404,
            anonymous=sign_in_redirect("/indicator-values/import/"),
            cso_phuket=200,
            cso_hanoi=200,
        ),
    )


def test_a_clean_file_is_imported_whole(roles, catalogue):
    response = _upload(roles.session(CSO_PHUKET), HEADER + GOOD)
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(city__slug="phuket").count() == 3
    assert set(IndicatorValue.objects.values_list("verification", flat=True)) == {"pending"}
    assert AuditEntry.objects.filter(action="indicators.value.entered").count() == 3


def test_one_problem_and_nothing_is_written_every_problem_named(roles, catalogue):
    bad = (
        GOOD
        + "atlantis,11.6.2,2023,1,x,,\n"  # row 5: unknown city
        + "phuket,11.6.2,2023,30,x,,\n"  # row 6: the same year again
        + "phuket,11.2.1,2023,140,x,,\n"  # row 7: a percentage over 100
        + "hanoi,11.2.1,2023,40,x,,\n"  # row 8: not Phuket's officer's city
        + "phuket,11.2.1,20x3,40,x,,\n"  # row 9: not a number
    )
    response = _upload(roles.session(CSO_PHUKET), HEADER + bad)
    assert response.status_code == 422
    assert not IndicatorValue.objects.exists()
    assert not AuditEntry.objects.filter(action="indicators.value.entered").exists()
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(5, "city"), (6, "year"), (7, "value"), (8, ""), (9, "year")]
    text = page_text(response)
    assert "5 problems to fix" in text and "A percentage is at most 100." in text


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_name(roles, catalogue):
    response = _upload(roles.session(CSO_PHUKET), "%PDF-1.4 nonsense", name="values.csv")
    assert response.status_code == 422
    assert "PDF" in page_text(response)
    response = _upload(roles.session(CSO_PHUKET), "city,year\nphuket,2023\n")
    assert "required column" in page_text(response).lower()
    assert not IndicatorValue.objects.exists()


def test_the_template_names_the_officers_city(roles, catalogue):
    body = (
        roles.session(CSO_PHUKET)
        .get("/indicator-values/import/template.csv")
        .content.decode("utf-8-sig")
    )
    assert body.splitlines()[0] == HEADER.strip()
    assert body.splitlines()[1].startswith("phuket,11.6.2,2023")
    assert roles.session(NR_TH).get("/indicator-values/import/").status_code == 404


def test_a_figure_in_the_file_reads_as_the_pages_language_writes_it_as_in_the_form(
    roles, catalogue
):
    # given a file from a spreadsheet set to Indonesian: semicolons between the cells and a
    # decimal comma, as Excel writes it there
    text = (
        "city;indicator;year;value;source;method_note;visibility\n"
        "phuket;11.6.2;2023;18,4;PCD 2023;;public\n"
        "phuket;11.6.2;2022;1.234,5;PCD 2022;;\n"
        "phuket;EC: ICT: ICT: 1C;2022;79.4;NSO survey 2022;;\n"
    )
    cso = roles.session(CSO_PHUKET)
    upload = SimpleUploadedFile("nilai.csv", text.encode(), content_type="text/csv")

    # when the officer imports it on the Indonesian page
    response = cso.post("/id/indicator-values/import/", {"file": upload})

    # then each figure is the number she wrote, as the value form on that page reads it
    assert response.status_code == 302
    values = IndicatorValue.objects.filter(city__slug="phuket")
    assert sorted(str(v.value.normalize()) for v in values) == ["1234.5", "18.4", "79.4"]


def test_a_figure_that_reads_two_ways_or_a_comma_an_english_page_cannot_read_is_refused(
    roles, catalogue
):
    cso = roles.session(CSO_PHUKET)
    # on an English page "18,4" is neither 18.4 nor 184
    english = _upload(cso, HEADER + 'phuket,11.6.2,2023,"18,4",PCD 2023,,\n')
    assert english.status_code == 422 and "Not a number" in page_text(english)
    # on an Indonesian page "1.500" is a thousand and a half or one and a half: it says both
    upload = SimpleUploadedFile(
        "nilai.csv", (HEADER + "phuket,11.6.2,2023,1.500,PCD 2023,,\n").encode()
    )
    indonesian = cso.post("/id/indicator-values/import/", {"file": upload})
    assert indonesian.status_code == 422
    assert "1500" in page_text(indonesian) and "1,5" in page_text(indonesian)
    assert not IndicatorValue.objects.exists()
