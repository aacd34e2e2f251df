#!/usr/bin/env bash
# Birmingham as it happened (about 6 minutes on 2 cores): calibrate the history scenario on
# the 2017 census only (the four behaviour parameters nobody publishes; the file is rewritten
# with each fitted value commented), run it to 2025 with the posts the council funded and with
# the 2017 posts held, and lay both beside the published rows and Ofsted's judgements
# (docs/figures/birmingham_history.png, docs/results/birmingham_history.csv; the Markdown
# table for the README is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
R=docs/results
mkdir -p "$R" docs/figures runs/birmingham_history_fit
staffsim calibrate scenarios/birmingham_history.yaml --la Birmingham --years 2017 \
  --out runs/birmingham_history_fit/birmingham_history.yaml --force --jobs 2
cp runs/birmingham_history_fit/birmingham_history.yaml scenarios/birmingham_history.yaml
cp runs/birmingham_history_fit/birmingham_history_fit.csv "$R/birmingham_history_fit.csv"
cp runs/birmingham_history_fit/birmingham_history_check.csv "$R/birmingham_history_check.csv"
staffsim run scenarios/birmingham_history.yaml --replications 20 --jobs 2 --quiet --overwrite \
  --out runs/birmingham_history
staffsim run scenarios/birmingham_history.yaml --replications 20 --jobs 2 --quiet --overwrite \
  --set 'policies=[]' --out runs/birmingham_history_2017_posts
python scripts/birmingham_history_figure.py runs/birmingham_history \
  runs/birmingham_history_2017_posts --figure docs/figures/birmingham_history.png \
  --table "$R/birmingham_history.csv"
