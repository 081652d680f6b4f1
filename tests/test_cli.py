import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from conftest import ROOT

runner = CliRunner()


def run(args, env):
    return runner.invoke(app, args, env=env)


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    result = run(["search", "what is SSR?", "--mode", "bm25"], {"ASSISTANT_INDEX_DIR": str(tmp_path / "none")})
    assert result.exit_code == 4
    assert "assistant build" in result.output


def test_fit_into_one_folder_for_models_and_report_is_refused_before_running(tmp_path):
    # both are named answerability.json: the report written last would replace the fitted model
    result = run(["fit", "--output", str(tmp_path), "--reports", str(tmp_path), "--index", str(tmp_path / "index")], {"COLUMNS": "200"})
    said = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2 and "give --reports another folder" in said and not (tmp_path / "answerability.json").exists()


def test_eval_with_fold_models_that_are_not_there_says_so_before_running(tmp_path):
    result = run(["eval", "--fold-models", str(tmp_path / "fold-models.json"), "--index", str(tmp_path / "index")], {"COLUMNS": "200"})
    assert result.exit_code == 2 and "fold-models.json" in result.output and "assistant fit --reports" in result.output


def test_build_with_a_missing_corpus_is_a_clear_error(tmp_path):
    result = run(["build", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index")], {})
    assert result.exit_code == 3
    assert "does not exist" in result.output


@pytest.mark.model
def test_search_and_documents_on_a_real_index(real_index_dir):
    env = {"ASSISTANT_INDEX_DIR": str(real_index_dir)}
    result = run(["search", "community policing", "--top-k", "3", "--json"], env)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert len(payload["results"]) == 3
    first = payload["results"][0]
    assert {"doc_id", "title", "section", "pages", "start", "end", "text", "score", "also_in"} <= set(first)

    result = run(["search", "comunity policng", "--top-k", "3", "--json"], env)
    assert json.loads(result.output[result.output.index("{") :])["searched_as"] == "community policing"

    result = run(["search", "  ", "--mode", "bm25"], env)
    assert result.exit_code == 2 and "empty" in result.output

    result = run(["documents", "--json"], env)
    assert result.exit_code == 0
    assert len(json.loads(result.output)) == 5


def test_settings_shows_the_values_in_force_and_their_source():
    result = run(["settings"], {"ASSISTANT_TOP_K": "7", "ASSISTANT_API_KEY": "secret-key"})
    assert result.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 3}
    assert "7" in rows["ASSISTANT_TOP_K"] and "environment" in rows["ASSISTANT_TOP_K"]
    assert "default" in rows["ASSISTANT_INDEX_DIR"]
    assert "secret-key" not in result.output and "(set)" in rows["ASSISTANT_API_KEY"]
    bad = run(["settings"], {"ASSISTANT_TOP_K": "many"})
    assert bad.exit_code == 2 and "top_k" in bad.output


def test_the_readme_configuration_table_is_the_generated_one():
    table = run(["settings", "--defaults"], {}).output.strip()
    assert "ASSISTANT_EMBEDDING_MODEL" in table and "ASSISTANT_INDEX_DIR" in table
    assert table in (ROOT / "README.md").read_text(), "regenerate the README table with `assistant settings --defaults`"


def test_documents_lists_ids_whole_even_in_a_narrow_terminal(real_index_dir):
    result = runner.invoke(app, ["documents", "--index", str(real_index_dir)], env={"COLUMNS": "60"})
    assert result.exit_code == 0
    assert "migration-forced-displacement-and-justice-security-responses" in result.output


def test_serve_on_a_taken_port_exits_5_saying_so():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["serve", "--port", str(port)], {})
    assert result.exit_code == 5 and "--port" in result.output
