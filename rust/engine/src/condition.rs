//! Workflow conditions: a small expression language, parsed and evaluated
//! here, never by `eval`. What it has: `domain[...]`, `global[...]`,
//! `local[...]` (or their `_ctx` names) with `['key']`, `[0]` and `.name`
//! access, `signal.get('k')`, `len(...)`, comparisons, `and`/`or`/`not`,
//! parentheses, numbers, strings, `True`/`False`/`None`. Nothing else: no
//! other names, no other calls, no prototype keys, so no code can run.
//!
//! A compiled condition lists the values it needs (`Need`); the host reads
//! exactly those from committed state and hands them back for evaluation.

use std::fmt;

use crate::layer::Layer;
use crate::path::{as_array_index, Path, Segment, FORBIDDEN_KEYS};

/// Something a condition reads from the host.
#[derive(Clone, Debug, PartialEq)]
pub enum Need {
    /// The value at a path.
    Value(Path),
    /// Only the length (or size) of what is at a path: `len(domain['items'])`
    /// does not carry the items across.
    Length(Path),
    /// The last committed value of a signal, by topic or by its last segment.
    Signal(String),
}

/// A value a condition works with. Containers arrive as their size only.
#[derive(Clone, Debug, PartialEq)]
pub enum Datum {
    None,
    Bool(bool),
    Number(f64),
    Text(String),
    /// An array, object, Map or Set: what kind, and how many entries.
    Container {
        kind: String,
        size: f64,
    },
}

impl Datum {
    fn truthy(&self) -> bool {
        match self {
            Datum::None => false,
            Datum::Bool(b) => *b,
            Datum::Number(n) => *n != 0.0 && !n.is_nan(),
            Datum::Text(s) => !s.is_empty(),
            Datum::Container { size, .. } => *size > 0.0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Datum::None => "None".into(),
            Datum::Bool(true) => "True".into(),
            Datum::Bool(false) => "False".into(),
            Datum::Number(n) => format!("{n}"),
            Datum::Text(s) => format!("'{s}'"),
            Datum::Container { kind, size } => format!("{kind} of {size}"),
        }
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Literal(Datum),
    /// Index into the condition's needs.
    Read(usize),
    Not(Box<Expr>),
    /// A chain of `and`s (or `or`s) is one node, not a nested one per
    /// operator: a long chain costs no depth.
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>, usize),
}

/// A parse or evaluation error, with the 0-based character offset.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionError {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub text: String,
    pub needs: Vec<Need>,
    expr: Expr,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, ConditionError> {
        let tokens = lex(text)?;
        let mut parser = Parser {
            tokens,
            pos: 0,
            needs: Vec::new(),
            len: text.chars().count(),
            depth: 0,
        };
        let expr = parser.or()?;
        if let Some(token) = parser.tokens.get(parser.pos) {
            return Err(ConditionError {
                offset: token.at,
                message: format!("unexpected {}", token.kind.describe()),
            });
        }
        Ok(Condition {
            text: text.to_string(),
            needs: parser.needs,
            expr,
        })
    }

    /// Evaluates with `values[i]` answering `needs[i]`.
    pub fn evaluate(&self, values: &[Datum]) -> Result<bool, ConditionError> {
        if values.len() != self.needs.len() {
            return Err(ConditionError {
                offset: 0,
                message: format!("expected {} values, got {}", self.needs.len(), values.len()),
            });
        }
        Ok(eval(&self.expr, values)?.truthy())
    }
}

fn eval(expr: &Expr, values: &[Datum]) -> Result<Datum, ConditionError> {
    Ok(match expr {
        Expr::Literal(d) => d.clone(),
        Expr::Read(i) => values[*i].clone(),
        Expr::Not(e) => Datum::Bool(!eval(e, values)?.truthy()),
        // As in Python: `and`/`or` give one of their operands, the first
        // that decides (or the last).
        Expr::And(terms) | Expr::Or(terms) => {
            let stop_when = matches!(expr, Expr::Or(_));
            let mut last = Datum::None;
            for term in terms {
                last = eval(term, values)?;
                if last.truthy() == stop_when {
                    break;
                }
            }
            last
        }
        Expr::Compare(op, a, b, at) => {
            Datum::Bool(compare(*op, &eval(a, values)?, &eval(b, values)?, *at)?)
        }
    })
}

fn compare(op: CmpOp, a: &Datum, b: &Datum, at: usize) -> Result<bool, ConditionError> {
    use std::cmp::Ordering;
    // Python: True == 1 and False == 0.
    let number = |d: &Datum| match d {
        Datum::Number(n) => Some(*n),
        Datum::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    };
    let ordering = match (a, b) {
        (Datum::Text(x), Datum::Text(y)) => Some(x.cmp(y)),
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        },
    };
    match op {
        CmpOp::Eq | CmpOp::Ne => {
            let equal = match (a, b) {
                (Datum::None, Datum::None) => true,
                (Datum::Container { .. }, _) | (_, Datum::Container { .. }) => {
                    return Err(ConditionError {
                        offset: at,
                        message: format!(
                            "cannot compare {a} with {b}; compare len(...) or a field instead"
                        ),
                    })
                }
                _ => ordering == Some(Ordering::Equal),
            };
            Ok(equal == (op == CmpOp::Eq))
        }
        _ => {
            let Some(ordering) = ordering else {
                return Err(ConditionError {
                    offset: at,
                    message: format!("cannot order {a} and {b}"),
                });
            };
            Ok(match op {
                CmpOp::Lt => ordering == Ordering::Less,
                CmpOp::Gt => ordering == Ordering::Greater,
                CmpOp::Le => ordering != Ordering::Greater,
                _ => ordering != Ordering::Less,
            })
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Name(String),
    Number(f64),
    Text(String),
    Op(&'static str),
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::Name(n) => format!("'{n}'"),
            Kind::Number(n) => format!("number {n}"),
            Kind::Text(s) => format!("string '{s}'"),
            Kind::Op(o) => format!("'{o}'"),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    at: usize,
}

const OPERATORS: [&str; 12] = [
    "==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ".", ",",
];

fn lex(text: &str) -> Result<Vec<Token>, ConditionError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                kind: Kind::Name(chars[at..i].iter().collect()),
                at,
            });
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let literal: String = chars[at..i].iter().collect();
            let n = literal.parse::<f64>().map_err(|_| ConditionError {
                offset: at,
                message: format!("bad number '{literal}'"),
            })?;
            tokens.push(Token {
                kind: Kind::Number(n),
                at,
            });
        } else if c == '\'' || c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(ConditionError {
                            offset: at,
                            message: format!("unterminated string: missing {c}"),
                        })
                    }
                    Some('\\') => {
                        match chars.get(i + 1) {
                            Some(&e @ ('\\' | '\'' | '"')) => s.push(e),
                            _ => {
                                return Err(ConditionError {
                                    offset: i,
                                    message: "only \\\\, \\' and \\\" escapes are allowed".into(),
                                })
                            }
                        }
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        s.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push(Token {
                kind: Kind::Text(s),
                at,
            });
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) else {
                return Err(ConditionError {
                    offset: at,
                    message: format!("unexpected character '{c}'"),
                });
            };
            i += op.chars().count();
            tokens.push(Token {
                kind: Kind::Op(op),
                at,
            });
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    needs: Vec<Need>,
    len: usize,
    /// Parentheses and `not`s open around the current token.
    depth: usize,
}

/// How deeply parentheses and `not`s may nest: far beyond any real
/// condition, and far below what would exhaust the stack.
pub const MAX_CONDITION_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.len, |t| t.at)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, ConditionError> {
        Err(ConditionError {
            offset: self.at(),
            message: message.into(),
        })
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek()
            == Some(&Kind::Op(match OPERATORS.iter().find(|o| **o == op) {
                Some(o) => o,
                None => return false,
            }))
        {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> Result<(), ConditionError> {
        if self.eat_op(op) {
            return Ok(());
        }
        let found = self.peek().map_or("the end".to_string(), Kind::describe);
        self.fail(format!("expected '{op}', found {found}"))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Kind::Name(n)) if n == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, ConditionError> {
        let mut terms = vec![self.and()?];
        while self.eat_word("or") {
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Expr::Or(terms)
        })
    }

    fn and(&mut self) -> Result<Expr, ConditionError> {
        let mut terms = vec![self.not()?];
        while self.eat_word("and") {
            terms.push(self.not()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Expr::And(terms)
        })
    }

    fn not(&mut self) -> Result<Expr, ConditionError> {
        if self.eat_word("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }

    /// One more level of nesting, or an error past the limit.
    fn deeper(&mut self) -> Result<(), ConditionError> {
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return self.fail(format!("nested more than {MAX_CONDITION_DEPTH} levels deep (parentheses and 'not'); simplify the condition"));
        }
        Ok(())
    }

    fn comparison(&mut self) -> Result<Expr, ConditionError> {
        let left = self.primary()?;
        let at = self.at();
        let op = match self.peek() {
            Some(Kind::Op("==")) => CmpOp::Eq,
            Some(Kind::Op("!=")) => CmpOp::Ne,
            Some(Kind::Op("<")) => CmpOp::Lt,
            Some(Kind::Op(">")) => CmpOp::Gt,
            Some(Kind::Op("<=")) => CmpOp::Le,
            Some(Kind::Op(">=")) => CmpOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.primary()?;
        Ok(Expr::Compare(op, Box::new(left), Box::new(right), at))
    }

    fn primary(&mut self) -> Result<Expr, ConditionError> {
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return self.fail("the condition ends too early");
        };
        self.pos += 1;
        match token.kind {
            Kind::Number(n) => Ok(Expr::Literal(Datum::Number(n))),
            Kind::Text(s) => Ok(Expr::Literal(Datum::Text(s))),
            Kind::Op("(") => {
                self.deeper()?;
                let inner = self.or()?;
                self.expect_op(")")?;
                self.depth -= 1;
                Ok(inner)
            }
            Kind::Name(name) => match name.as_str() {
                "True" => Ok(Expr::Literal(Datum::Bool(true))),
                "False" => Ok(Expr::Literal(Datum::Bool(false))),
                "None" => Ok(Expr::Literal(Datum::None)),
                "len" => {
                    self.expect_op("(")?;
                    let path = self.reference()?;
                    self.expect_op(")")?;
                    Ok(self.need(Need::Length(path)))
                }
                "signal" => {
                    self.expect_op(".")?;
                    if !self.eat_word("get") {
                        return self.fail("signals are read with signal.get('name')");
                    }
                    self.expect_op("(")?;
                    let Some(Kind::Text(topic)) = self.peek().cloned() else {
                        return self
                            .fail("signal.get() takes one string, such as signal.get('cmd_stop')");
                    };
                    self.pos += 1;
                    self.expect_op(")")?;
                    Ok(self.need(Need::Signal(topic)))
                }
                _ => {
                    self.pos -= 1;
                    let path = self.reference()?;
                    Ok(self.need(Need::Value(path)))
                }
            },
            other => Err(ConditionError {
                offset: token.at,
                message: format!("unexpected {}", other.describe()),
            }),
        }
    }

    fn need(&mut self, need: Need) -> Expr {
        let index = self
            .needs
            .iter()
            .position(|n| *n == need)
            .unwrap_or_else(|| {
                self.needs.push(need);
                self.needs.len() - 1
            });
        Expr::Read(index)
    }

    /// `domain['items'][0].price`: a layer name, then keys.
    fn reference(&mut self) -> Result<Path, ConditionError> {
        let start = self.at();
        let layer = match self.peek() {
            Some(Kind::Name(name)) => Layer::from_name(name).ok_or_else(|| ConditionError {
                offset: start,
                message: format!(
                    "unknown name '{name}'; a condition reads domain[...], global[...], local[...], signal.get(...) and len(...)"
                ),
            })?,
            Some(other) => return Err(ConditionError { offset: start, message: format!("unexpected {}", other.describe()) }),
            None => return self.fail("the condition ends too early"),
        };
        self.pos += 1;
        let mut segments = Vec::new();
        loop {
            let at = self.at();
            let key = if self.eat_op("[") {
                let key = match self.peek().cloned() {
                    Some(Kind::Text(s)) => s,
                    Some(Kind::Number(n)) if n >= 0.0 && n.fract() == 0.0 => {
                        let digits = format!("{n}");
                        // As in contract paths: indexes stop at 2^32 - 2.
                        if as_array_index(&digits).is_none() {
                            return self.fail(format!(
                                "{digits} is not an array index (below 4294967295)"
                            ));
                        }
                        digits
                    }
                    _ => return self.fail("a subscript is a string or a non-negative integer"),
                };
                self.pos += 1;
                self.expect_op("]")?;
                key
            } else if self.eat_op(".") {
                match self.peek().cloned() {
                    Some(Kind::Name(n)) => {
                        self.pos += 1;
                        n
                    }
                    _ => return self.fail("expected a name after '.'"),
                }
            } else {
                break;
            };
            if FORBIDDEN_KEYS.contains(&key.as_str()) {
                return Err(ConditionError {
                    offset: at,
                    message: format!("'{key}' is forbidden: it would reach the object's prototype"),
                });
            }
            if self.peek() == Some(&Kind::Op("(")) {
                return self.fail("calls are not allowed; only len(...) and signal.get(...)");
            }
            segments.push(match as_array_index(&key) {
                Some(i) => Segment::Index(i),
                None => Segment::Key(key),
            });
        }
        if self.peek() == Some(&Kind::Op("(")) {
            return self.fail("calls are not allowed; only len(...) and signal.get(...)");
        }
        Ok(Path { layer, segments })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    fn check(text: &str, values: &[Datum]) -> bool {
        Condition::parse(text).unwrap().evaluate(values).unwrap()
    }

    fn error(text: &str) -> ConditionError {
        Condition::parse(text).unwrap_err()
    }

    #[test]
    fn long_chains_cost_no_depth_and_keep_python_semantics() {
        let chain = vec!["True"; 6000].join(" and ");
        assert!(check(&chain, &[]));
        let chain = vec!["False"; 6000].join(" or ") + " or 1";
        assert!(check(&chain, &[]));
        assert!(!check("1 and 0 and 2", &[]));
        assert!(check("0 or 0 or 'x'", &[]));
    }

    #[test]
    fn nesting_is_bounded_with_a_clear_error() {
        let deep = |n: usize| format!("{}True{}", "(".repeat(n), ")".repeat(n));
        assert!(check(&deep(MAX_CONDITION_DEPTH), &[]));
        for text in [
            deep(3000),
            "not ".repeat(6000) + "True",
            "(not ".repeat(40) + "True" + &")".repeat(40),
        ] {
            let e = error(&text);
            assert!(
                e.message.starts_with("nested more than 64 levels deep"),
                "{}",
                e.message
            );
        }
        assert!(check(&("not ".repeat(64) + "True"), &[]));
    }

    #[test]
    fn reads_name_their_paths_once() {
        let c = Condition::parse(
            "domain['is_valid'] == True and len(domain['items']) > 0 and domain.is_valid",
        )
        .unwrap();
        assert_eq!(
            c.needs,
            vec![
                Need::Value(p("domain.is_valid")),
                Need::Length(p("domain.items"))
            ]
        );
        let c = Condition::parse("global.cfg['max'][0] >= 1 or signal.get('cmd_stop') != 'True'")
            .unwrap();
        assert_eq!(
            c.needs,
            vec![
                Need::Value(p("global.cfg.max[0]")),
                Need::Signal("cmd_stop".into())
            ]
        );
    }

    #[test]
    fn evaluates_like_python() {
        let n = Datum::Number;
        assert!(check("domain['remaining'] > 0", &[n(3.0)]));
        assert!(!check("domain['remaining'] > 0", &[n(0.0)]));
        assert!(check("domain['x'] == 1", &[Datum::Bool(true)]));
        assert!(check("domain['x'] == None", &[Datum::None]));
        assert!(check("not domain['x']", &[Datum::Text(String::new())]));
        assert!(check(
            "domain['a'] < 2 and (domain['b'] == 'y' or False)",
            &[n(1.0), Datum::Text("y".into())]
        ));
        assert!(check(
            "domain['items']",
            &[Datum::Container {
                kind: "array".into(),
                size: 2.0
            }]
        ));
        assert!(!check(
            "domain['items']",
            &[Datum::Container {
                kind: "array".into(),
                size: 0.0
            }]
        ));
        assert!(check("-1.5 < 0", &[]));
        assert!(check("'abc' < 'abd'", &[]));
    }

    #[test]
    fn type_errors_at_evaluation_say_where() {
        let c = Condition::parse("domain['a'] < 'x'").unwrap();
        let err = c.evaluate(&[Datum::Number(1.0)]).unwrap_err();
        assert_eq!(
            (err.offset, err.message.as_str()),
            (12, "cannot order 1 and 'x'")
        );
        let c = Condition::parse("domain['items'] == 0").unwrap();
        assert!(c
            .evaluate(&[Datum::Container {
                kind: "array".into(),
                size: 0.0
            }])
            .unwrap_err()
            .message
            .contains("compare len(...)"));
    }

    #[test]
    fn refuses_anything_that_could_run_code() {
        let e = error("constructor.constructor('return this')()");
        assert_eq!(e.offset, 0);
        assert!(
            e.message.starts_with("unknown name 'constructor'"),
            "{}",
            e.message
        );
        let e = error("__import__('os')");
        assert!(
            e.message.starts_with("unknown name '__import__'"),
            "{}",
            e.message
        );
        let e = error("domain.__proto__");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (
                6,
                "'__proto__' is forbidden: it would reach the object's prototype"
            )
        );
        assert!(error("domain['constructor']").message.contains("forbidden"));
        assert!(error("domain.items.pop()")
            .message
            .starts_with("calls are not allowed"));
        assert!(error("domain['f']()")
            .message
            .starts_with("calls are not allowed"));
        assert!(error("eval('1')")
            .message
            .starts_with("unknown name 'eval'"));
        assert!(error("signal.set('x')")
            .message
            .contains("signal.get('name')"));
    }

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(
            error("domain['x'] ==").message,
            "the condition ends too early"
        );
        assert_eq!(error("domain['x'] ==").offset, 14);
        assert_eq!(error("domain['x'] = 1").message, "unexpected character '='");
        assert_eq!(
            error("(domain['x'] == 1").message,
            "expected ')', found the end"
        );
        assert_eq!(
            error("domain['x] == 1").message,
            "unterminated string: missing '"
        );
        assert_eq!(error("1 == 1 1").message, "unexpected number 1");
        assert_eq!(
            error("domain[x]").message,
            "a subscript is a string or a non-negative integer"
        );
        assert_eq!(
            error("domain['items'][4294967295] == 1").message,
            "4294967295 is not an array index (below 4294967295)"
        );
    }

    #[test]
    fn indexes_are_those_of_contract_paths() {
        let last = |text: &str| match &Condition::parse(text).unwrap().needs[0] {
            Need::Value(path) => path.segments.last().cloned().unwrap(),
            other => panic!("not a value: {other:?}"),
        };
        assert_eq!(
            last("domain['items'][4294967294] == 1"),
            Segment::Index(4294967294)
        );
        assert_eq!(
            last("domain['items']['4294967294'] == 1"),
            Segment::Index(4294967294)
        );
        assert_eq!(
            last("domain['items']['07'] == 1"),
            Segment::Key("07".into())
        );
        assert_eq!(
            last("domain['items']['4294967295'] == 1"),
            Segment::Key("4294967295".into())
        );
    }
}
