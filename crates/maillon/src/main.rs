//! The `maillon` command: parses the command line and wires the application.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use maillon_app::accounts::model::Role;
use maillon_app::config::Config;

const HELP: &str = "\
Maillon — logiciel libre pour les centres sociaux et leurs médiateurs numériques

Utilisation :
  maillon serve                 démarre le serveur (MAILLON_ADDR, 127.0.0.1:8080 par défaut)
  maillon migrate               met à jour la base de données puis s'arrête
  maillon demo [--scale N]      remplit une base de démonstration et démarre le serveur
                                (--scale : N accompagnements de plus dans 200 structures ;
                                --resources N : N ressources de plus, pour mesurer la recherche ;
                                --members N : N adhérents de plus, pour mesurer le fichier)
  maillon user create --email E --name \"Prénom Nom\" [--network-admin]
                      [--structure ID --role structure_admin|mediator|desk|volunteer]
                                crée un compte ; mot de passe demandé (ou MAILLON_PASSWORD)
  maillon backup --to FICHIER   copie cohérente de la base SQLite, même serveur en marche
  maillon remind                met dans la boîte d'envoi les rappels d'ateliers dus
                                et retire les places proposées non confirmées à temps
                                maintenant (le serveur le fait toutes les 5 minutes)
  maillon help                  cette aide

Configuration par variables d'environnement : voir le README (DATABASE_URL, MAILLON_*).
";

/// Each password hash (argon2id) allocates 19 MiB. glibc raises its mmap threshold after
/// the first such block is freed and then keeps the next ones in its arenas: after a few
/// sign-ins an idle server held ~100 MB instead of ~10 MB (docs/benchmarks.md). A fixed
/// threshold gives large blocks back to the system when they are freed.
fn keep_memory_low() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator setting; called once before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> ExitCode {
    keep_memory_low();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
        .block_on(run())
}

async fn run() -> ExitCode {
    maillon_app::init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        [] | ["serve"] => serve(false, None).await,
        ["demo"] => serve(true, None).await,
        ["demo", "--resources", n] => match n.parse::<usize>() {
            Ok(n) if n > 0 => serve_with_resources(n).await,
            _ => Err("--resources attend un nombre de ressources, par exemple 50000".into()),
        },
        ["demo", "--members", n] => match n.parse::<usize>() {
            Ok(n) if n > 0 => {
                MEMBERS.store(n, std::sync::atomic::Ordering::Relaxed);
                serve(true, None).await
            }
            _ => Err("--members attend un nombre de personnes, par exemple 20000".into()),
        },
        ["demo", "--scale", n] => match n.parse::<i64>() {
            Ok(n) if n > 0 => serve(true, Some(n)).await,
            _ => Err("--scale attend un nombre d'accompagnements, par exemple 1000000".into()),
        },
        ["migrate"] => migrate().await,
        ["user", "create", rest @ ..] => user_create(rest).await,
        ["backup", "--to", path] => backup(path).await,
        ["remind"] => remind().await,
        ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            Ok(())
        }
        ["--version" | "-V"] => {
            println!("maillon {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        _ => Err(format!(
            "commande inconnue : « {} »\n\n{HELP}",
            args.join(" ")
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("maillon : {message}");
            ExitCode::FAILURE
        }
    }
}

fn config() -> Result<Config, String> {
    Config::from_env().map_err(|e| e.0)
}

/// The demo with `n` more generated resources (search benchmark).
async fn serve_with_resources(n: usize) -> Result<(), String> {
    RESOURCES.store(n, std::sync::atomic::Ordering::Relaxed);
    serve(true, None).await
}

/// How many resources `demo --resources` adds (0: none).
static RESOURCES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many members `demo --members` adds at Jean Ferrat (0: none).
static MEMBERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `scale`: for benchmarks, about that many accompaniments in 200 more structures.
async fn serve(demo: bool, scale: Option<i64>) -> Result<(), String> {
    let mut config = config()?;
    if demo {
        config.dev = true;
        if std::env::var("DATABASE_URL").is_err() {
            // The demo starts from a fresh file each time, beside the normal one.
            config.database_url = "maillon-demo.db".into();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("maillon-demo.db{suffix}"));
            }
            // Its uploaded files too, kept apart from a real centre's.
            if std::env::var("MAILLON_FILES_DIR").is_err() && config.s3.is_none() {
                config.files_dir = "maillon-demo-fichiers".into();
                let _ = std::fs::remove_dir_all(&config.files_dir);
            }
        }
    }
    tracing::info!(?config, "starting");
    let db = maillon_app::app::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    let storage = maillon_app::files::Storage::from_config(&config);
    if demo && maillon_demo::seed(&db, &storage, &config.public_url).await? {
        print_demo_accounts(&config.public_url);
        if let Some(n) = scale {
            println!(
                "  Génération de {n} accompagnements dans 200 structures (mesures de performance)…"
            );
            let started = std::time::Instant::now();
            let mediator =
                maillon_app::accounts::store::find_by_email(&db, maillon_demo::ACCOUNTS[2].email)
                    .await
                    .map_err(|e| e.to_string())?
                    .map(|u| u.id)
                    .unwrap_or_default();
            maillon_demo::scale::generate(&db, 200, n, &mediator)
                .await
                .map_err(|e| e.to_string())?;
            println!("  Fait en {:.0} s.", started.elapsed().as_secs_f64());
        }
        let resources = RESOURCES.load(std::sync::atomic::Ordering::Relaxed);
        if resources > 0 {
            println!("  Génération de {resources} ressources (mesures de la recherche)…");
            let started = std::time::Instant::now();
            let index_us = maillon_demo::scale_resources::generate(&db, resources)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "  Fait en {:.0} s ; indexer une ressource : {:.1} ms.",
                started.elapsed().as_secs_f64(),
                index_us as f64 / 1000.0
            );
        }
    }
    let members = MEMBERS.load(std::sync::atomic::Ordering::Relaxed);
    if demo && members > 0 {
        println!("  Génération de {members} adhérents au centre Jean Ferrat (mesures)…");
        let started = std::time::Instant::now();
        maillon_demo::members::generate_at_ferrat(&db, members)
            .await
            .map_err(|e| e.to_string())?;
        println!("  Fait en {:.0} s.", started.elapsed().as_secs_f64());
    }
    let running = maillon_app::start_with_db(config, db).await?;
    println!(
        "Maillon écoute sur http://{} — Ctrl+C pour arrêter.",
        running.addr
    );
    stop_requested().await;
    println!("Arrêt…");
    running.stop().await;
    Ok(())
}

/// Ctrl+C in a terminal, or SIGTERM from systemd or a container runtime.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

fn print_demo_accounts(public_url: &str) {
    println!("\n  Démonstration : {}", maillon_demo::NETWORK_NAME);
    println!("  Ouvrez {public_url} et connectez-vous avec l'un de ces comptes");
    println!(
        "  (mot de passe pour tous : {}) :\n",
        maillon_demo::PASSWORD
    );
    for a in maillon_demo::ACCOUNTS {
        println!("    {:<36} {:<16} {}", a.email, a.name, a.role);
    }
    println!("\n  Les e-mails (invitations, mots de passe oubliés) s'affichent ici et dans « Boîte d'envoi ».\n");
}

/// Plans the workshop reminders due now, once (for a deployment without workers, and to
/// measure the planning).
async fn remind() -> Result<(), String> {
    let config = config()?;
    let db = maillon_app::app::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    let started = std::time::Instant::now();
    let queued = maillon_app::workshops::reminders::plan(&db, &config.public_url)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{queued} rappel(s) mis dans la boîte d'envoi en {} ms.",
        started.elapsed().as_millis()
    );
    let expired = maillon_app::workshops::waiting::expire_offers(
        &db,
        &config.public_url,
        maillon_app::db::now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    if expired > 0 {
        println!("{expired} place(s) proposée(s) non confirmée(s) à temps, passée(s) à la suite.");
    }
    db.close().await;
    Ok(())
}

async fn migrate() -> Result<(), String> {
    let config = config()?;
    let db = maillon_app::app::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    db.close().await;
    println!("Base de données à jour.");
    Ok(())
}

fn flag_value<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == name)
        .and_then(|i| args.get(i + 1).copied())
}

fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("MAILLON_PASSWORD") {
        return Ok(p);
    }
    print!("Mot de passe (12 caractères au moins) : ");
    let _ = std::io::stdout().flush();
    // Hide what is typed when a terminal is attached; harmless otherwise.
    let hidden = std::process::Command::new("stty")
        .arg("-echo")
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hidden {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(std::process::Stdio::inherit())
            .status();
        println!();
    }
    read.map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

async fn user_create(args: &[&str]) -> Result<(), String> {
    let email = flag_value(args, "--email").ok_or("indiquez --email")?;
    let name = flag_value(args, "--name").ok_or("indiquez --name \"Prénom Nom\"")?;
    let network_admin = args.contains(&"--network-admin");
    let membership = match (flag_value(args, "--structure"), flag_value(args, "--role")) {
        (Some(s), Some(r)) => Some((
            s,
            Role::parse(r).ok_or("rôle inconnu : structure_admin, mediator ou volunteer")?,
        )),
        (None, None) => None,
        _ => return Err("--structure et --role vont ensemble".into()),
    };
    if !network_admin && membership.is_none() {
        return Err("un compte doit être --network-admin ou membre d'une structure (--structure ID --role RÔLE)".into());
    }
    let password = read_password()?;
    let config = config()?;
    let db = maillon_app::app::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    // The structure named on the command line must exist: its id is then Maillon's own.
    let structure = match membership {
        Some((s, _)) => match maillon_app::structures::store::get(&db, s).await {
            Ok(Some(found)) => Some(found.id),
            Ok(None) => {
                db.close().await;
                return Err(format!("structure inconnue : {s}"));
            }
            Err(e) => {
                db.close().await;
                return Err(format!("base de données : {e}"));
            }
        },
        None => None,
    };
    let membership = structure.as_ref().zip(membership.map(|(_, r)| r));
    let result =
        maillon_app::accounts::create_user(&db, email, name, &password, network_admin, membership)
            .await;
    db.close().await;
    let id = result?;
    println!("Compte créé pour {email} (identifiant {id}).");
    Ok(())
}

async fn backup(path: &str) -> Result<(), String> {
    let config = config()?;
    let db = maillon_app::app::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    let result = db.backup_to(path).await.map_err(|e| e.to_string());
    db.close().await;
    result?;
    println!("Sauvegarde écrite dans {path}.");
    Ok(())
}
