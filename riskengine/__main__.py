from riskengine.cli import main

main(prog_name="riskengine")
