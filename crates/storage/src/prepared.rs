//! Raw SQL that diesel's statement cache keeps prepared.
//!
//! `diesel::sql_query` marks itself unsafe to cache, so every execution parses and plans
//! its text again: one extra round trip per statement, which on the write path (four
//! statements) was most of the difference from pgbench's prepared mode. Our statement
//! texts are fixed per entity type, so caching them is safe: a `Sql` is split once at its
//! `$n` placeholders, and each execution pushes the pieces with diesel's own bind
//! parameters in between (the cache key is then the text plus the bind types).

use diesel::expression::{AsExpression, TypedExpressionType};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::Error;
use diesel::sql_types::{SqlType, Untyped};
use diesel::QueryResult;

/// SQL text whose placeholders are `$1`, `$2`, … each used once, in order.
#[derive(Debug)]
pub struct Sql {
    pieces: Vec<String>,
}

impl Sql {
    /// Panics on placeholders out of order or repeated: a programming error in a constant
    /// statement, caught by any test that runs it.
    pub fn new(text: impl AsRef<str>) -> Sql {
        let text = text.as_ref();
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut expected = 1;
        while let Some(at) = find_placeholder(rest) {
            let digits = rest[at + 1..].chars().take_while(char::is_ascii_digit).collect::<String>();
            assert_eq!(
                digits.parse::<usize>().ok(),
                Some(expected),
                "placeholders must be $1.. in order, once each: {text}"
            );
            pieces.push(rest[..at].to_owned());
            rest = &rest[at + 1 + digits.len()..];
            expected += 1;
        }
        pieces.push(rest.to_owned());
        Sql { pieces }
    }

    pub fn params(&self) -> usize {
        self.pieces.len() - 1
    }
}

fn find_placeholder(s: &str) -> Option<usize> {
    s.char_indices()
        .find(|(i, c)| *c == '$' && s[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i)
}

/// A statement with its bind values, ready for diesel-async's `RunQueryDsl`.
pub struct Stmt<'a> {
    sql: &'a Sql,
    binds: Vec<Box<dyn QueryFragment<Pg> + Send + 'a>>,
}

pub fn stmt(sql: &Sql) -> Stmt<'_> {
    Stmt { sql, binds: Vec::with_capacity(sql.params()) }
}

impl<'a> Stmt<'a> {
    pub fn bind<ST, T>(mut self, value: T) -> Self
    where
        ST: SqlType + TypedExpressionType,
        T: AsExpression<ST>,
        T::Expression: QueryFragment<Pg> + Send + 'a,
    {
        self.binds.push(Box::new(value.as_expression()));
        self
    }
}

impl QueryFragment<Pg> for Stmt<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.binds.len() != self.sql.params() {
            let msg = format!("{} binds for {} placeholders", self.binds.len(), self.sql.params());
            return Err(Error::QueryBuilderError(msg.into()));
        }
        for (i, piece) in self.sql.pieces.iter().enumerate() {
            out.push_sql(piece);
            if let Some(bind) = self.binds.get(i) {
                bind.walk_ast(out.reborrow())?;
            }
        }
        Ok(())
    }
}

impl QueryId for Stmt<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Stmt<'_> {
    type SqlType = Untyped;
}

#[cfg(test)]
mod tests {
    use super::Sql;

    #[test]
    fn splits_at_placeholders() {
        let s = Sql::new("SELECT $1::int + $2 WHERE x = '$'");
        assert_eq!(s.params(), 2);
        assert_eq!(s.pieces, vec!["SELECT ", "::int + ", " WHERE x = '$'"]);
    }

    #[test]
    #[should_panic(expected = "in order")]
    fn refuses_repeated_placeholders() {
        Sql::new("SELECT $1, $1");
    }
}
