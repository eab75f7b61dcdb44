"""Dependencies point one way: ingest/ and web/ use kb/; the kb library imports neither."""
import subprocess
import sys


def test_kb_library_does_not_import_ingest_or_web():
    code = ("import sys, kb.store, kb.index, kb.search, kb.knowledge, kb.embed, kb.evaluate, kb.places, kb.themes; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('ingest', 'web')]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
