-- Network-wide statistics filter on the date across every structure.
CREATE INDEX activities_date ON activities(date);
