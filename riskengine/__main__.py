from riskengine.cli import run

run()
