DROP TABLE fanout_payloads;
