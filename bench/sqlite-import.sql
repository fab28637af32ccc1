-- The reference for the import benchmark: the same CSV loaded by the sqlite3 tool into a table with
-- equivalent indexes (unique PIN, unique old ID, household, full-text words).
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE residents_csv (
  pin TEXT, full_name TEXT, other_names TEXT, birth_date TEXT, sex TEXT, place_of_birth_unit TEXT, place_of_birth_detail TEXT,
  birth_registration_unit TEXT, birth_registration_detail TEXT, born_abroad TEXT, hometown_unit TEXT, hometown_detail TEXT,
  ethnicity_code TEXT, religion TEXT, nationality TEXT, blood_type TEXT, old_id_number TEXT, documents TEXT,
  father_pin TEXT, father_name TEXT, father_old_id TEXT, father_nationality TEXT, mother_pin TEXT, mother_name TEXT,
  mother_old_id TEXT, mother_nationality TEXT, spouse_pin TEXT, spouse_name TEXT, spouse_old_id TEXT, spouse_nationality TEXT,
  legal_rep_pin TEXT, legal_rep_name TEXT, legal_rep_old_id TEXT, legal_rep_nationality TEXT, children TEXT, marital_status TEXT,
  permanent_unit TEXT, permanent_street TEXT, temporary_unit TEXT, temporary_street TEXT, temporary_absence TEXT,
  current_unit TEXT, current_street TEXT, household_code TEXT, relation_to_head TEXT, death_date TEXT, missing_since TEXT,
  phone TEXT, email TEXT, province_code TEXT, unit_edition TEXT
);
CREATE UNIQUE INDEX csv_pin ON residents_csv(pin);
CREATE UNIQUE INDEX csv_old_id ON residents_csv(old_id_number) WHERE old_id_number <> '';
CREATE INDEX csv_household ON residents_csv(household_code);
CREATE VIRTUAL TABLE csv_terms USING fts5(full_name, birth_date, permanent_unit, content='residents_csv', tokenize='unicode61 remove_diacritics 2', detail='none');
.import --csv --skip 1 IMPORT_FILE residents_csv
INSERT INTO csv_terms(csv_terms) VALUES ('rebuild');
