#!/bin/sh
# `sluice` inside the images: the CLI of the installed project.
exec node /app/cli/main.ts "$@"
