// This empty module stops the Go tool's `./...` at frontend/: some npm packages under node_modules ship .go files.
module yqyb/frontend
