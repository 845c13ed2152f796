/**
 * The file names `docker compose` looks for when no file is given, in order of preference, and the override
 * files it adds beside them (compose-go `cli/options.go`: DefaultFileNames, DefaultOverrideFileNames).
 */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
